import { runFixtures } from './fixtures.js';

runFixtures('hvm-save-migrate');
