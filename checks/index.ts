/**
 * The built-in checks, in the order reports list them. A check is added here and
 * nowhere else; `test/docs.test.ts` fails when a check has no docs page or fixtures.
 *
 * `unused-suppression` (./unused-suppression.ts) is not listed: the engine itself
 * reports directives that matched nothing (cli/engine/engine.ts).
 */
import type { Check } from './api.js';
import pvAbiMismatch from './pv-abi-mismatch.js';
import hvmNeedsVt from './hvm-needs-vt.js';
import hvmSaveMigrate from './hvm-save-migrate.js';
import hvmSmp from './hvm-smp.js';
import memoryFit from './memory-fit.js';
import scheduler from './scheduler.js';
import vifLimit from './vif-limit.js';
import netloopMissing from './netloop-missing.js';
import emulatedNic from './emulated-nic.js';
import hvmDiskLimit from './hvm-disk-limit.js';
import vbdSizeLimit from './vbd-size-limit.js';
import dom0Cpufreq from './dom0-cpufreq.js';
import nestedVirtInPv from './nested-virt-in-pv.js';
import dom0KernelPatchlevel from './dom0-kernel-patchlevel.js';
import dom0Nvidia from './dom0-nvidia.js';
import configReadability from './config-readability.js';
import unknownKey from './unknown-key.js';
import diskSpec from './disk-spec.js';
import vifSpec from './vif-spec.js';
import bridgeMissing from './bridge-missing.js';
import xlAutoballoon from './xl-autoballoon.js';
import deviceModelTraditional from './device-model-traditional.js';
import consoleExposed from './console-exposed.js';
import sharedWritableDisk from './shared-writable-disk.js';
import duplicateGuest from './duplicate-guest.js';
import vcpuLimits from './vcpu-limits.js';
import pvhAndType from './pvh-and-type.js';
import xendOpenServices from './xend-open-services.js';
import xendRemoved from './xend-removed.js';
import passthrough from './passthrough.js';
import hvmEmulatedDisks from './hvm-emulated-disks.js';
import timerMode from './timer-mode.js';
import bootloader from './bootloader.js';
import pv32 from './pv32.js';
import grantFrames from './grant-frames.js';

export const builtinChecks: Check[] = [
  configReadability,
  unknownKey,
  diskSpec,
  vifSpec,
  pvAbiMismatch,
  pv32,
  hvmNeedsVt,
  hvmSaveMigrate,
  hvmSmp,
  memoryFit,
  scheduler,
  vifLimit,
  grantFrames,
  netloopMissing,
  bridgeMissing,
  emulatedNic,
  hvmDiskLimit,
  vbdSizeLimit,
  dom0Cpufreq,
  nestedVirtInPv,
  dom0KernelPatchlevel,
  dom0Nvidia,
  xlAutoballoon,
  deviceModelTraditional,
  consoleExposed,
  sharedWritableDisk,
  duplicateGuest,
  vcpuLimits,
  pvhAndType,
  xendOpenServices,
  xendRemoved,
  passthrough,
  hvmEmulatedDisks,
  timerMode,
  bootloader,
];
