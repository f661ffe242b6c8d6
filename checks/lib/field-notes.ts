/**
 * The two admin field-notes documents several 3.x-era checks rest on, cited by
 * title and era (neither is published at a stable address).
 */
export const XEN_LIMITATIONS = 'Field notes "Xen limitations — an admin\'s field notes" (Xen 3.0.x era, 2007)';
export const CHOOSING_VIRTUALIZATION = 'Field notes "Picking the right virtualization technology — an admin\'s field notes" (Xen 3.0 era, 2007)';
