import { runFixtures } from './harness.js';

runFixtures('netloop-missing');
