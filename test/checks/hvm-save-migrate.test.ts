import { runFixtures } from './harness.js';

runFixtures('hvm-save-migrate');
