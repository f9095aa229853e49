import { z } from 'zod';
import { PageQuery } from './iam.js';

/** The queue (and outbox routing key) of webhook delivery jobs. */
export const WEBHOOKS_DELIVER_QUEUE = 'webhooks.deliver';

/** Events an endpoint can subscribe to. */
export const WebhookEventType = z.enum([
  'reply.received',
  'message.bounced',
  'enrollment.finished',
  'prospect.unsubscribed',
]);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** What a delivery can carry: a subscribed event, or the `ping` of the test action. */
export const WebhookDeliveryEventType = z.enum(['ping', ...WebhookEventType.options]);
export type WebhookDeliveryEventType = z.infer<typeof WebhookDeliveryEventType>;

export const WebhookDeliveryStatus = z.enum(['pending', 'delivered', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>;

/** A delivery job: the delivery row to attempt (its organisation is re-checked against the row). */
export const WebhookDeliveryJob = z.object({ organisationId: z.uuid(), deliveryId: z.uuid() });
export type WebhookDeliveryJob = z.infer<typeof WebhookDeliveryJob>;

/** The JSON body POSTed to an endpoint; `id` is the event's, shared by its redeliveries. */
export interface WebhookEnvelope {
  id: string;
  type: WebhookDeliveryEventType;
  createdAt: string;
  organisationId: string;
  data: unknown;
}

const url = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .pipe(z.url({ protocol: /^https?$/, error: 'Must be an http(s) URL' }));
const eventTypes = z
  .array(WebhookEventType)
  .min(1, 'Subscribe to at least one event type')
  .transform((types) => [...new Set(types)]);
const description = z.string().trim().max(500);

export const CreateWebhookEndpointRequest = z.strictObject({
  url,
  eventTypes,
  description: description.optional(),
  enabled: z.boolean().optional(),
});
export type CreateWebhookEndpointRequest = z.infer<typeof CreateWebhookEndpointRequest>;

export const UpdateWebhookEndpointRequest = z
  .strictObject({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    description: description.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Give at least one field to change');
export type UpdateWebhookEndpointRequest = z.infer<typeof UpdateWebhookEndpointRequest>;

/** An endpoint as the API shows it: never its secret. */
export const WebhookEndpoint = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(WebhookEventType),
  enabled: z.boolean(),
  createdBy: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** Creation and rotation answers: the signing secret, shown this once. */
export const WebhookEndpointWithSecret = z.object({ endpoint: WebhookEndpoint, secret: z.string() });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecret>;

export const WebhookDelivery = z.object({
  id: z.uuid(),
  endpointId: z.uuid(),
  eventId: z.uuid(),
  eventType: WebhookDeliveryEventType,
  status: WebhookDeliveryStatus,
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  payload: z.unknown(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryListQuery = PageQuery.extend({ status: WebhookDeliveryStatus.optional() }).strict();
export type WebhookDeliveryListQuery = z.infer<typeof WebhookDeliveryListQuery>;
