import { runFixtures } from './harness.js';

runFixtures('vbd-size-limit');
