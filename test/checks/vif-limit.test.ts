import { runFixtures } from './fixtures.js';

runFixtures('vif-limit');
