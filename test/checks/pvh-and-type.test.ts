import { runFixtures } from './harness.js';

runFixtures('pvh-and-type');
