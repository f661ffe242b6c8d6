import { runFixtures } from './fixtures.js';

runFixtures('bridge-missing');
