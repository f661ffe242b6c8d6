import { runFixtures } from './fixtures.js';

runFixtures('dom0-cpufreq');
