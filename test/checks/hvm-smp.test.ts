import { runFixtures } from './fixtures.js';

runFixtures('hvm-smp');
