import { runFixtures } from './harness.js';

runFixtures('bootloader');
