import { runFixtures } from './fixtures.js';

runFixtures('pvh-and-type');
