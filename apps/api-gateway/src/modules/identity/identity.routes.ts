import type { RequestHandler } from 'express';
import { pageOf, pageQuery } from '@coachline/domain/api/common';
import {
  acceptInvitationBody,
  invitationBody,
  invitationSchema,
  loginBody,
  meSchema,
  memberSchema,
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

export interface IdentityLimiters {
  loginPerIp: RequestHandler;
  loginPerAccount: RequestHandler;
  signupPerIp: RequestHandler;
  invitePerIp: RequestHandler;
}

export function identityRoutes(auth: AuthService, invitations: InvitationService, members: MemberService, limit: IdentityLimiters): AnyRoute[] {
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
  ];
}
