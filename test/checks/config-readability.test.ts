import { runFixtures } from './harness.js';

runFixtures('config-readability');
