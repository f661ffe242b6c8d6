import { runFixtures } from './harness.js';

runFixtures('memory-fit');
