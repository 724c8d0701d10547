import { foreignKey, index, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { membershipRef } from './identity.table';
import { createdAt, tenantTable, ts } from './tenant-table';

/** A 1:1 conversation; userA < userB so a pair has exactly one row. */
export const conversations = tenantTable(
  'conversations',
  {
    userA: uuid('user_a').notNull(),
    userB: uuid('user_b').notNull(),
    createdAt: createdAt(),
    lastMessageAt: ts('last_message_at'),
  },
  (t) => [
    uniqueIndex('conversations_pair_key').on(t.tenantId, t.userA, t.userB),
    membershipRef(t, t.userA, 'conversations_user_a_fk'),
    membershipRef(t, t.userB, 'conversations_user_b_fk'),
  ],
);

export const messages = tenantTable(
  'messages',
  {
    conversationId: uuid('conversation_id').notNull(),
    fromUserId: uuid('from_user_id').notNull(),
    body: text('body').notNull(),
    workoutId: uuid('workout_id'),
    mediaId: uuid('media_id'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'messages_conversation_fk', columns: [t.tenantId, t.conversationId], foreignColumns: [conversations.tenantId, conversations.id] }).onDelete('cascade'),
    index('messages_conversation_idx').on(t.tenantId, t.conversationId, t.id),
  ],
);

export const spaces = tenantTable('spaces', {
  name: text('name').notNull(),
  description: text('description'),
  createdBy: uuid('created_by').notNull(),
  createdAt: createdAt(),
});

export const spaceMembers = tenantTable(
  'space_members',
  {
    spaceId: uuid('space_id').notNull(),
    userId: uuid('user_id').notNull(),
    joinedAt: ts('joined_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'space_members_space_fk', columns: [t.tenantId, t.spaceId], foreignColumns: [spaces.tenantId, spaces.id] }).onDelete('cascade'),
    membershipRef(t, t.userId, 'space_members_user_fk'),
    uniqueIndex('space_members_key').on(t.tenantId, t.spaceId, t.userId),
  ],
);

export const posts = tenantTable(
  'posts',
  {
    spaceId: uuid('space_id').notNull(),
    authorId: uuid('author_id').notNull(),
    body: text('body').notNull(),
    mediaIds: uuid('media_ids').array().notNull().default([]),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'posts_space_fk', columns: [t.tenantId, t.spaceId], foreignColumns: [spaces.tenantId, spaces.id] }).onDelete('cascade'),
    index('posts_space_idx').on(t.tenantId, t.spaceId, t.id),
  ],
);

export const comments = tenantTable(
  'comments',
  {
    postId: uuid('post_id').notNull(),
    authorId: uuid('author_id').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ name: 'comments_post_fk', columns: [t.tenantId, t.postId], foreignColumns: [posts.tenantId, posts.id] }).onDelete('cascade'),
    index('comments_post_idx').on(t.tenantId, t.postId, t.id),
  ],
);
