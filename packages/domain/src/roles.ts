/** Roles a member holds within one tenant. */
export const ROLES = ['ADMIN', 'COACH', 'ATHLETE', 'SCHEDULER'] as const;
export type Role = (typeof ROLES)[number];

/** Every permission a route or socket handler may require. */
export const PERMISSIONS = [
  'tenant:admin',
  'audit:read',
  'member:read',
  'member:invite',
  'member:manage',
  'exercise:read',
  'exercise:write',
  'program:read',
  /** Every program of the tenant; without it, only the programs assigned to the caller. */
  'program:read:any',
  'program:write',
  'program:assign',
  'workout:read',
  'workout:write',
  'workout:read:any',
  'workout:write:any',
  'body-metric:read',
  'body-metric:write',
  'analytics:read',
  'message:read',
  'message:write',
  'space:read',
  'space:write',
  'space:manage',
  'availability:read',
  'availability:write',
  'availability:write:any',
  'session:read',
  'session:write',
  'session:read:any',
  'session:write:any',
  'notification:read',
  'notification:write',
  'media:read',
  'media:write',
  'media:read:any',
  'product:read',
  'product:write',
  'purchase:read',
  'purchase:read:any',
  'purchase:write',
  'purchase:refund',
  'webhook:manage',
  'triage:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ATHLETE: Permission[] = [
  'member:read',
  'exercise:read',
  'program:read',
  'workout:read',
  'workout:write',
  'body-metric:read',
  'body-metric:write',
  'analytics:read',
  'message:read',
  'message:write',
  'space:read',
  'space:write',
  'availability:read',
  'session:read',
  'session:write',
  'notification:read',
  'notification:write',
  'media:read',
  'media:write',
  'product:read',
  'purchase:read',
  'purchase:write',
];

const COACH: Permission[] = [
  ...ATHLETE,
  'member:invite',
  'exercise:write',
  'program:read:any',
  'program:write',
  'program:assign',
  'workout:read:any',
  'workout:write:any',
  'space:manage',
  'availability:write',
  'session:read:any',
  'session:write:any',
  'media:read:any',
  'product:write',
  'purchase:read:any',
  'triage:read',
];

const SCHEDULER: Permission[] = [
  'member:read',
  'exercise:read',
  'message:read',
  'message:write',
  'availability:read',
  'availability:write',
  'availability:write:any',
  'session:read',
  'session:write',
  'session:read:any',
  'session:write:any',
  'notification:read',
  'notification:write',
  'media:read',
  'media:write',
  'product:read',
  'purchase:read',
  'purchase:read:any',
];

/** The single source of which role may do what. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  ADMIN: PERMISSIONS,
  COACH: [...new Set(COACH)],
  ATHLETE,
  SCHEDULER,
};

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/** Roles that may invite a given role: ADMIN invites anyone, COACH only athletes. */
export function canInvite(inviter: Role, invitee: Role): boolean {
  if (inviter === 'ADMIN') return true;
  if (inviter === 'COACH') return invitee === 'ATHLETE';
  return false;
}

/** Roles that see and act for every athlete of the tenant. */
export function isStaff(role: Role): boolean {
  return role === 'ADMIN' || role === 'COACH';
}
