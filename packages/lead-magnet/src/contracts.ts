// The lead-magnet contracts live in @prospectflow/contracts (src/lead-magnet.ts); re-exported here
// so that importers of @prospectflow/lead-magnet and this package's own modules keep working.
export {
  LEAD_MAGNET_EMAIL_ROUTING_KEY,
  LeadMagnetEmail,
  LeadMagnetEmailJob,
  NEUTRAL_RESULT,
  ResendRequest,
  SignupRequest,
  type NeutralResult,
  type RequestOrigin,
} from '@prospectflow/contracts';
