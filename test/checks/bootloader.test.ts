import { runFixtures } from './fixtures.js';

runFixtures('bootloader');
