import { runFixtures } from './harness.js';

runFixtures('dom0-cpufreq');
