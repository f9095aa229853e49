import { NotFoundError } from '@prospectflow/contracts';
import { z } from 'zod';

const SwitchOrganisationRequest = z.object({ organisationId: z.uuid() });

/** Organisation switcher: acts in another of the operator's organisations from the next call on. */
export default defineEventHandler(async (event) => {
  assertSameOrigin(event);
  const { organisationId } = await readValidatedBody(event, SwitchOrganisationRequest.parse);
  const organisation = await switchOrganisation(event, organisationId);
  if (!organisation) throw new NotFoundError('Organisation not found', 'organisation_not_found');
  return organisation;
});
