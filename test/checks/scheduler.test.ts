import { runFixtures } from './harness.js';

runFixtures('scheduler');
