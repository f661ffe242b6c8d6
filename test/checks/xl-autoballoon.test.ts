import { runFixtures } from './harness.js';

runFixtures('xl-autoballoon');
