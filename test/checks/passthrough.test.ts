import { runFixtures } from './harness.js';

runFixtures('passthrough');
