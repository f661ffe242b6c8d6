import { runFixtures } from './fixtures.js';

runFixtures('hvm-needs-vt');
