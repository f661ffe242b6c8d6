import { runFixtures } from './harness.js';

runFixtures('timer-mode');
