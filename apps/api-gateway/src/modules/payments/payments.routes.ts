import { idParams, pageOf } from '@coachline/domain/api/common';
import {
  checkoutBody,
  checkoutSchema,
  createProductBody,
  entitlementsQuery,
  entitlementsSchema,
  listProductsQuery,
  listPurchasesQuery,
  productSchema,
  purchaseSchema,
  refundSchema,
  updateProductBody,
} from '@coachline/domain/api/payments';
import { route, type AnyRoute } from '../../http/route';
import type { CheckoutService } from './checkout.service';
import type { EntitlementService } from './entitlement.service';
import type { ProductService } from './product.service';
import type { PurchaseService } from './purchase.service';

export function paymentRoutes(products: ProductService, checkouts: CheckoutService, purchases: PurchaseService, entitlements: EntitlementService): AnyRoute[] {
  const tags = ['Payments'];
  return [
    route({
      method: 'post',
      path: '/v1/products',
      summary: 'Create a product (program, session pack or subscription); its price never changes',
      tags,
      access: 'product:write',
      body: createProductBody,
      responses: { 201: { description: 'Created', schema: productSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await products.create(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/products',
      summary: 'Products; athletes see those on sale only',
      tags,
      access: 'product:read',
      query: listProductsQuery,
      responses: { 200: { description: 'Products', schema: pageOf(productSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await products.list(actor, query) }),
    }),
    route({
      method: 'get',
      path: '/v1/products/:id',
      summary: 'One product',
      tags,
      access: 'product:read',
      params: idParams,
      responses: { 200: { description: 'Product', schema: productSchema } },
      handler: async ({ actor, params }) => ({ status: 200, body: await products.get(actor, params.id) }),
    }),
    route({
      method: 'patch',
      path: '/v1/products/:id',
      summary: 'Rename, describe, put on sale or take off sale; prices never change in place',
      tags,
      access: 'product:write',
      params: idParams,
      body: updateProductBody,
      deferInput: true,
      responses: { 200: { description: 'Updated', schema: productSchema } },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await products.update(actor, params.id, body) }),
    }),
    route({
      method: 'post',
      path: '/v1/products/:id/checkout',
      summary: "Buy a product: a pending purchase and a Stripe Checkout Session on the organization's account",
      tags,
      access: 'purchase:write',
      params: idParams,
      body: checkoutBody,
      deferInput: true,
      responses: {
        201: { description: 'Pay at checkoutUrl', schema: checkoutSchema },
        409: { description: 'Not on sale, or no Stripe account linked' },
      },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await checkouts.checkout(actor, params.id, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/purchases',
      summary: "Purchases, newest first; athletes see their own, staff anyone's (?userId=)",
      tags,
      access: 'purchase:read',
      query: listPurchasesQuery,
      responses: { 200: { description: 'Purchases', schema: pageOf(purchaseSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await purchases.list(actor, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/purchases/:id/refund',
      summary: 'Refund through Stripe and take back what the purchase granted (ADMIN)',
      tags,
      access: 'purchase:refund',
      params: idParams,
      responses: { 200: { description: 'Refunded', schema: refundSchema }, 409: { description: 'Not paid' } },
      handler: async ({ actor, params }) => ({ status: 200, body: await purchases.refund(actor, params.id) }),
    }),
    route({
      method: 'get',
      path: '/v1/entitlements',
      summary: "What a member holds through purchases; athletes their own, staff anyone's (?userId=)",
      tags,
      access: 'purchase:read',
      query: entitlementsQuery,
      responses: { 200: { description: 'Entitlements', schema: entitlementsSchema } },
      handler: async ({ actor, query }) => ({ status: 200, body: await entitlements.get(actor, query.userId) }),
    }),
  ];
}
