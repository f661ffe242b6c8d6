import { runFixtures } from './fixtures.js';

runFixtures('nested-virt-in-pv');
