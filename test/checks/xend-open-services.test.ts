import { runFixtures } from './harness.js';

runFixtures('xend-open-services');
