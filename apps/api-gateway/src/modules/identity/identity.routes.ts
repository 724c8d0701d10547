import type { RequestHandler } from 'express';
import { pageOf, pageQuery } from '@coachline/domain/api/common';
import {
  acceptInvitationBody,
  changePasswordBody,
  invitationBody,
  invitationSchema,
  loginBody,
  meSchema,
  memberParams,
  memberRoleBody,
  memberSchema,
  passwordResetBody,
  passwordResetConfirmBody,
  refreshBody,
  sessionSchema,
  signupBody,
  tokenPairSchema,
} from '@coachline/domain/api/identity';
import { noStore } from '../../http/no-store';
import { route, type AnyRoute } from '../../http/route';
import type { AuthService } from './auth.service';
import type { InvitationService } from './invitation.service';
import type { MemberService } from './member.service';
import type { PasswordService } from './password.service';

export interface IdentityLimiters {
  loginPerIp: RequestHandler;
  loginPerAccount: RequestHandler;
  signupPerIp: RequestHandler;
  invitePerIp: RequestHandler;
  /** Reset requests and confirmations per client address. */
  passwordResetPerIp: RequestHandler;
  /** Reset requests per email, known or not, so nobody can flood a mailbox. */
  passwordResetPerAccount: RequestHandler;
  /** Wrong current passwords per user, like failed logins. */
  passwordChangePerUser: RequestHandler;
}

export interface IdentityServices {
  auth: AuthService;
  invitations: InvitationService;
  members: MemberService;
  passwords: PasswordService;
}

export function identityRoutes({ auth, invitations, members, passwords }: IdentityServices, limit: IdentityLimiters): AnyRoute[] {
  const tags = ['Identity'];
  return [
    route({
      method: 'post',
      path: '/v1/auth/signup',
      summary: 'Create an organization and its ADMIN account',
      tags,
      access: 'public',
      body: signupBody,
      middleware: [limit.signupPerIp, noStore],
      responses: { 201: { description: 'Signed up', schema: sessionSchema }, 409: { description: 'Email already registered' } },
      handler: async ({ body, requestId }) => ({ status: 201, body: await auth.signup(body, requestId) }),
    }),
    route({
      method: 'post',
      path: '/v1/auth/login',
      summary: 'Log in, optionally into a given tenant',
      tags,
      access: 'public',
      body: loginBody,
      middleware: [limit.loginPerIp, limit.loginPerAccount, noStore],
      responses: { 200: { description: 'Logged in', schema: sessionSchema }, 401: { description: 'Bad email or password' } },
      handler: async ({ body, requestId }) => ({ status: 200, body: await auth.login(body, requestId) }),
    }),
    route({
      method: 'post',
      path: '/v1/auth/refresh',
      summary: 'Rotate a refresh token',
      tags,
      access: 'public',
      body: refreshBody,
      idempotent: false,
      middleware: [limit.loginPerIp, noStore],
      responses: { 200: { description: 'New token pair', schema: tokenPairSchema }, 401: { description: 'Invalid, expired or reused token' } },
      handler: async ({ body, requestId }) => ({ status: 200, body: await auth.refresh(body.refreshToken, requestId) }),
    }),
    route({
      method: 'post',
      path: '/v1/auth/logout',
      summary: "Revoke a refresh token's family",
      tags,
      access: 'public',
      body: refreshBody,
      responses: { 204: { description: 'Logged out' } },
      handler: async ({ body, requestId }) => {
        await auth.logout(body.refreshToken, requestId);
        return { status: 204 };
      },
    }),
    route({
      method: 'post',
      path: '/v1/auth/password-reset',
      summary: 'Ask for a password-reset email',
      tags,
      access: 'public',
      body: passwordResetBody,
      middleware: [limit.passwordResetPerIp, limit.passwordResetPerAccount],
      responses: { 202: { description: 'Accepted, whatever the email: a known account gets an email with a single-use link valid 1 h' } },
      handler: async ({ body, requestId }) => {
        await passwords.requestReset(body.email, requestId);
        return { status: 202 };
      },
    }),
    route({
      method: 'post',
      path: '/v1/auth/password-reset/confirm',
      summary: "Set a new password with a reset link's token; every session of the account ends",
      tags,
      access: 'public',
      body: passwordResetConfirmBody,
      middleware: [limit.passwordResetPerIp],
      responses: { 204: { description: 'Password set' }, 404: { description: 'No such reset' }, 410: { description: 'Used or expired' } },
      handler: async ({ body, requestId }) => {
        await passwords.confirmReset(body, requestId);
        return { status: 204 };
      },
    }),
    route({
      method: 'post',
      path: '/v1/me/password',
      summary: "Change the caller's password; their other sessions end",
      tags,
      access: 'authenticated',
      body: changePasswordBody,
      middleware: [limit.passwordChangePerUser],
      responses: { 204: { description: 'Password changed' }, 401: { description: 'Wrong current password' } },
      handler: async ({ actor, body }) => {
        await passwords.change(actor, body);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/v1/me',
      summary: 'The caller, their tenant, role and permissions',
      tags,
      access: 'authenticated',
      responses: { 200: { description: 'Me', schema: meSchema } },
      handler: async ({ actor }) => ({ status: 200, body: await auth.me(actor) }),
    }),
    route({
      method: 'post',
      path: '/v1/invitations',
      summary: 'Invite someone into the tenant',
      tags,
      access: 'member:invite',
      body: invitationBody,
      middleware: [limit.invitePerIp, noStore],
      responses: { 201: { description: 'Invited', schema: invitationSchema }, 409: { description: 'Already a member' } },
      handler: async ({ actor, body }) => ({ status: 201, body: await invitations.invite(actor, body) }),
    }),
    route({
      method: 'post',
      path: '/v1/invitations/accept',
      summary: 'Accept an invitation, as a new or an existing account',
      tags,
      access: 'public',
      body: acceptInvitationBody,
      middleware: [limit.invitePerIp, noStore],
      responses: { 201: { description: 'Accepted', schema: sessionSchema }, 401: { description: "Wrong password for the existing account" }, 410: { description: 'Used or expired' } },
      handler: async ({ body, requestId }) => ({ status: 201, body: await invitations.accept(body, requestId) }),
    }),
    route({
      method: 'get',
      path: '/v1/members',
      summary: "The tenant's members",
      tags,
      access: 'member:read',
      query: pageQuery,
      responses: { 200: { description: 'Members', schema: pageOf(memberSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await members.list(actor, query) }),
    }),
    route({
      method: 'patch',
      path: '/v1/members/:userId',
      summary: "Change a member's role; the last ADMIN keeps theirs",
      tags,
      access: 'member:manage',
      params: memberParams,
      body: memberRoleBody,
      deferInput: true,
      responses: { 200: { description: 'The member with the new role', schema: memberSchema }, 409: { description: 'The last ADMIN cannot be demoted' } },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await members.changeRole(actor, params.userId, body) }),
    }),
    route({
      method: 'delete',
      path: '/v1/members/:userId',
      summary: 'Remove a member; their sessions in the organization end',
      tags,
      access: 'member:manage',
      params: memberParams,
      responses: { 204: { description: 'Removed' }, 409: { description: 'The last ADMIN cannot be removed' } },
      handler: async ({ actor, params }) => {
        await members.remove(actor, params.userId);
        return { status: 204 };
      },
    }),
  ];
}
