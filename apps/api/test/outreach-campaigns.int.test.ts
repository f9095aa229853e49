import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from './support/api-harness.js';
import { createRunnableCampaign, mailboxBody, outreachClient } from './support/outreach-fixtures.js';
import { insertProspect } from './support/prospects-fixtures.js';
import { addMemberWithRole, createTenant, type TenantFixture } from './support/tenants.js';

describe('outreach campaigns, steps, prompts and experiments', () => {
  let api: ApiHarness;
  let a: TenantFixture;
  let call: ReturnType<typeof outreachClient>;

  beforeAll(async () => {
    api = await startApi();
    a = await createTenant(api, 'camp-a');
    call = outreachClient(api, a);
  });
  afterAll(async () => {
    await api.close();
  });

  it('creates a draft campaign with defaults, edits and lists it with counters', async () => {
    const created = await call('POST', '/campaigns', { name: '  Artisans lyonnais ' }, 201);
    expect(created).toMatchObject({
      name: 'Artisans lyonnais',
      status: 'draft',
      mailboxId: null,
      timezone: 'Europe/Paris',
      sendingWindow: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 18 },
      dailyCap: 50,
      requireApproval: false,
      openTracking: false,
      createdBy: a.adminUserId,
      counters: { enrolled: 0, active: 0, drafts: 0, sent: 0, replied: 0, opened: 0 },
    });
    const edited = await call('PATCH', `/campaigns/${created.id}`, {
      timezone: 'America/New_York',
      sendingWindow: { days: [3, 1, 3], startHour: 8, endHour: 24 },
      dailyCap: 120,
      requireApproval: true,
      openTracking: true,
    });
    expect(edited).toMatchObject({
      timezone: 'America/New_York',
      sendingWindow: { days: [1, 3], startHour: 8, endHour: 24 },
      dailyCap: 120,
      requireApproval: true,
      openTracking: true,
      steps: [],
    });
    const list = await call('GET', '/campaigns?status=draft');
    expect(list.items.map((c: { id: string }) => c.id)).toContain(created.id);
    expect(list.items[0].counters).toBeDefined();
    await call('GET', '/campaigns?status=nope', undefined, 400);
  });

  it('validates campaigns: time zone, window, caps, unknown fields and mailbox ids', async () => {
    const bad = [
      { name: '' },
      { name: 'x', timezone: 'Mars/Olympus' },
      { name: 'x', timezone: '+01:00' },
      { name: 'x', sendingWindow: { days: [1], startHour: 18, endHour: 9 } },
      { name: 'x', sendingWindow: { days: [0, 8], startHour: 9, endHour: 18 } },
      { name: 'x', sendingWindow: { days: [], startHour: 9, endHour: 18 } },
      { name: 'x', dailyCap: -1 },
      { name: 'x', status: 'running' },
    ];
    for (const body of bad) {
      const res = await api.request('POST', '/api/v1/campaigns', { token: a.adminToken, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const unknown = await call(
      'POST',
      '/campaigns',
      { name: 'x', mailboxId: '00000000-0000-4000-8000-000000000000' },
      400,
    );
    expect(unknown.error.code).toBe('unknown_mailbox');
    const c = await call('POST', '/campaigns', { name: 'x' }, 201);
    await call('PATCH', `/campaigns/${c.id}`, {}, 400);
  });

  it('says precisely what blocks a start (422), then runs, pauses, resumes and archives', async () => {
    const c = await call('POST', '/campaigns', { name: 'Blocked' }, 201);
    const none = await call('POST', `/campaigns/${c.id}/start`, undefined, 422);
    expect(none.error.code).toBe('campaign_not_startable');
    expect(none.error.details.map((d: { code: string }) => d.code)).toEqual(['mailbox_missing', 'no_enabled_step']);

    const empty = await call('POST', `/campaigns/${c.id}/steps`, { delayDays: 0 }, 201);
    const disabled = await call('POST', `/campaigns/${c.id}/steps`, { enabled: false }, 201);
    const details = (await call('POST', `/campaigns/${c.id}/start`, undefined, 422)).error.details;
    expect(details).toEqual([
      { code: 'mailbox_missing', message: expect.any(String) },
      { code: 'step_without_content', message: expect.stringContaining('Step 1'), stepId: empty.id, stepIndex: 0 },
    ]);
    expect(JSON.stringify(details)).not.toContain(disabled.id);

    const mailbox = await call('POST', '/mailboxes', mailboxBody({ fromEmail: 'start@sender.example' }), 201);
    await call('PATCH', `/campaigns/${c.id}`, { mailboxId: mailbox.id });
    await call('PATCH', `/campaigns/${c.id}/steps/${empty.id}`, { bodyTemplate: 'Bonjour {{person.firstName}}' });
    const running = await call('POST', `/campaigns/${c.id}/start`);
    expect(running.status).toBe('running');

    expect((await call('POST', `/campaigns/${c.id}/start`, undefined, 409)).error).toMatchObject({
      code: 'invalid_transition',
      details: { status: 'running', allowedFrom: ['draft'] },
    });
    await call('POST', `/campaigns/${c.id}/archive`, undefined, 409);
    await call('POST', `/campaigns/${c.id}/resume`, undefined, 409);
    expect((await call('POST', `/campaigns/${c.id}/pause`)).status).toBe('paused');
    // Content removed while paused: resuming is checked like starting.
    await call('PATCH', `/campaigns/${c.id}/steps/${empty.id}`, { bodyTemplate: '' });
    expect((await call('POST', `/campaigns/${c.id}/resume`, undefined, 422)).error.details[0].code).toBe(
      'step_without_content',
    );
    await call('PATCH', `/campaigns/${c.id}/steps/${empty.id}`, { bodyTemplate: 'Re-bonjour' });
    expect((await call('POST', `/campaigns/${c.id}/resume`)).status).toBe('running');
    await call('PATCH', `/campaigns/${c.id}`, { mailboxId: null }, 409);
    await call('DELETE', `/campaigns/${c.id}`, undefined, 409);
    await call('POST', `/campaigns/${c.id}/pause`);
    expect((await call('POST', `/campaigns/${c.id}/archive`)).status).toBe('archived');
    expect((await call('PATCH', `/campaigns/${c.id}`, { name: 'again' }, 409)).error.code).toBe('campaign_archived');
    await call('POST', `/campaigns/${c.id}/steps`, { bodyTemplate: 'x' }, 409);
    await call('POST', `/campaigns/${c.id}/frobnicate`, undefined, 404);
  });

  it('a running experiment with an empty variant blocks the start; a step with a prompt has content', async () => {
    const { campaignId, stepId } = await createRunnableCampaign(call, { fromEmail: 'xp@sender.example' });
    const prompt = await call('POST', '/prompts', { name: 'Intro', userPrompt: 'Write to {{person.firstName}}' }, 201);
    await call('PATCH', `/campaigns/${campaignId}/steps/${stepId}`, {
      subjectTemplate: null,
      bodyTemplate: null,
      promptId: prompt.id,
    });
    await call(
      'POST',
      `/steps/${stepId}/experiments`,
      {
        name: 'Tone',
        status: 'draft',
        variants: [
          { key: 'A', promptId: prompt.id },
          { key: 'B', bodyTemplate: 'Hi' },
        ],
      },
      201,
    );
    const xp = (await call('GET', `/steps/${stepId}/experiments`)).items[0];
    await call('PATCH', `/experiments/${xp.id}`, { status: 'running' });
    await api.db.pool.query(`UPDATE outreach_step_experiment_variants SET body_template = NULL WHERE id = $1`, [
      xp.variants[1].id,
    ]);
    const blocked = (await call('POST', `/campaigns/${campaignId}/start`, undefined, 422)).error.details;
    expect(blocked).toEqual([
      expect.objectContaining({ code: 'variant_without_content', stepId, stepIndex: 0, variantId: xp.variants[1].id }),
    ]);
  });

  it('adds, edits, reorders and deletes steps; refuses bad orders and unknown prompts', async () => {
    const c = await call('POST', '/campaigns', { name: 'Sequence' }, 201);
    const s0 = await call('POST', `/campaigns/${c.id}/steps`, { subjectTemplate: 'One', bodyTemplate: 'B1' }, 201);
    const s1 = await call(
      'POST',
      `/campaigns/${c.id}/steps`,
      { delayDays: 3, exitOnReply: false, bodyTemplate: 'B2' },
      201,
    );
    const s2 = await call('POST', `/campaigns/${c.id}/steps`, { delayDays: 5, bodyTemplate: 'B3' }, 201);
    expect([s0.stepIndex, s1.stepIndex, s2.stepIndex]).toEqual([0, 1, 2]);
    expect(s1).toMatchObject({
      delayDays: 3,
      exitOnReply: false,
      enabled: true,
      promptId: null,
      subjectTemplate: null,
    });

    const reordered = await call('PUT', `/campaigns/${c.id}/steps/order`, { stepIds: [s2.id, s0.id, s1.id] });
    expect(reordered.items.map((s: { id: string; stepIndex: number }) => [s.id, s.stepIndex])).toEqual([
      [s2.id, 0],
      [s0.id, 1],
      [s1.id, 2],
    ]);
    for (const stepIds of [
      [s2.id, s0.id],
      [s2.id, s0.id, s0.id],
      [s2.id, s0.id, '00000000-0000-4000-8000-000000000000'],
    ]) {
      expect((await call('PUT', `/campaigns/${c.id}/steps/order`, { stepIds }, 400)).error.code).toMatch(
        /invalid_step_order|validation_failed/,
      );
    }
    await call('DELETE', `/campaigns/${c.id}/steps/${s2.id}`, undefined, 204);
    const detail = await call('GET', `/campaigns/${c.id}`);
    expect(detail.steps.map((s: { id: string; stepIndex: number }) => [s.id, s.stepIndex])).toEqual([
      [s0.id, 0],
      [s1.id, 1],
    ]);
    const edited = await call('PATCH', `/campaigns/${c.id}/steps/${s1.id}`, { enabled: false, delayDays: 7 });
    expect(edited).toMatchObject({ enabled: false, delayDays: 7, bodyTemplate: 'B2' });
    await call('PATCH', `/campaigns/${c.id}/steps/${s1.id}`, { delayDays: -1 }, 400);
    await call('PATCH', `/campaigns/${c.id}/steps/${s1.id}`, { stepIndex: 4 }, 400);
    const unknown = await call(
      'PATCH',
      `/campaigns/${c.id}/steps/${s1.id}`,
      { promptId: '00000000-0000-4000-8000-000000000000' },
      400,
    );
    expect(unknown.error.code).toBe('unknown_prompt');
    const other = await call('POST', '/campaigns', { name: 'Other' }, 201);
    await call('PATCH', `/campaigns/${other.id}/steps/${s1.id}`, { delayDays: 1 }, 404);
  });

  it('refuses to delete or reorder steps while running, and a step that messages refer to', async () => {
    const { campaignId, stepId } = await createRunnableCampaign(call, { fromEmail: 'steps-run@sender.example' });
    await call('POST', `/campaigns/${campaignId}/start`);
    expect((await call('DELETE', `/campaigns/${campaignId}/steps/${stepId}`, undefined, 409)).error.code).toBe(
      'campaign_running',
    );
    await call('PUT', `/campaigns/${campaignId}/steps/order`, { stepIds: [stepId] }, 409);
    await call('POST', `/campaigns/${campaignId}/pause`);
    const position = await insertProspect(api.db.pool, a.organisationId, { position: { email: 'used@step.example' } });
    await call('POST', `/campaigns/${campaignId}/enrollments`, { positionIds: [position.positionId] }, 201);
    expect((await call('DELETE', `/campaigns/${campaignId}/steps/${stepId}`, undefined, 409)).error.code).toBe(
      'step_in_use',
    );
  });

  it('versions prompts: editing adds version n+1, the list shows the latest, history keeps all', async () => {
    const v1 = await call(
      'POST',
      '/prompts',
      { name: 'Relance', systemPrompt: 'Be brief', userPrompt: 'Relance {{person.firstName}}' },
      201,
    );
    expect(v1).toMatchObject({ name: 'Relance', version: 1, systemPrompt: 'Be brief', createdBy: a.adminUserId });
    expect((await call('POST', '/prompts', { name: 'Relance', userPrompt: 'x' }, 409)).error.code).toBe(
      'prompt_exists',
    );
    const v2 = await call('PATCH', `/prompts/${v1.id}`, { userPrompt: 'Relance courte' }, 201);
    expect(v2).toMatchObject({ name: 'Relance', version: 2, systemPrompt: 'Be brief', userPrompt: 'Relance courte' });
    const v3 = await call('PATCH', `/prompts/${v1.id}`, { systemPrompt: '' }, 201);
    expect(v3).toMatchObject({ version: 3, systemPrompt: '', userPrompt: 'Relance {{person.firstName}}' });
    expect((await call('GET', `/prompts/${v1.id}`)).userPrompt).toBe('Relance {{person.firstName}}');
    const latest = (await call('GET', '/prompts')).items.filter((p: { name: string }) => p.name === 'Relance');
    expect(latest.map((p: { version: number }) => p.version)).toEqual([3]);
    const history = await call('GET', `/prompts/${v2.id}/versions`);
    expect(history.items.map((p: { version: number }) => p.version)).toEqual([3, 2, 1]);
    await call('PATCH', `/prompts/${v1.id}`, {}, 400);
    await call('POST', '/prompts', { name: 'Empty', userPrompt: '   ' }, 400);
  });

  it('runs at most one experiment per step and validates variants', async () => {
    const { campaignId, stepId } = await createRunnableCampaign(call, { fromEmail: 'ab@sender.example' });
    const body = {
      name: 'Subject test',
      variants: [
        { key: 'A', weight: 3, subjectTemplate: 'Short', bodyTemplate: 'Hello' },
        { key: 'B', subjectTemplate: 'Longer subject', bodyTemplate: 'Hello there' },
      ],
    };
    const xp = await call('POST', `/steps/${stepId}/experiments`, body, 201);
    expect(xp).toMatchObject({
      stepId,
      status: 'running',
      variants: [
        { key: 'A', weight: 3 },
        { key: 'B', weight: 1 },
      ],
    });
    const second = await call('POST', `/steps/${stepId}/experiments`, { ...body, name: 'Again' }, 409);
    expect(second.error.code).toBe('experiment_already_running');
    const draft = await call('POST', `/steps/${stepId}/experiments`, { ...body, name: 'Next', status: 'draft' }, 201);
    await call('PATCH', `/experiments/${draft.id}`, { status: 'running' }, 409);
    await call('PATCH', `/experiments/${xp.id}`, { variants: body.variants }, 409);
    expect((await call('PATCH', `/experiments/${xp.id}`, { status: 'stopped' })).status).toBe('stopped');
    await call('PATCH', `/experiments/${xp.id}`, { status: 'running' }, 409);
    const replaced = await call('PATCH', `/experiments/${draft.id}`, {
      variants: [
        { key: 'X', bodyTemplate: 'x' },
        { key: 'Y', bodyTemplate: 'y' },
        { key: 'Z', bodyTemplate: 'z' },
      ],
    });
    expect(replaced.variants.map((v: { key: string }) => v.key)).toEqual(['X', 'Y', 'Z']);
    expect((await call('PATCH', `/experiments/${draft.id}`, { status: 'running' })).status).toBe('running');
    expect((await call('GET', `/steps/${stepId}/experiments`)).items).toHaveLength(2);
    await call('DELETE', `/experiments/${draft.id}`, undefined, 409);
    const invalid = [
      { name: 'x', variants: [{ key: 'A', bodyTemplate: 'a' }] },
      {
        name: 'x',
        variants: [
          { key: 'A', bodyTemplate: 'a' },
          { key: 'A', bodyTemplate: 'b' },
        ],
      },
      {
        name: 'x',
        variants: [
          { key: 'A b', bodyTemplate: 'a' },
          { key: 'B', bodyTemplate: 'b' },
        ],
      },
      {
        name: 'x',
        variants: [
          { key: 'A', weight: 0, bodyTemplate: 'a' },
          { key: 'B', bodyTemplate: 'b' },
        ],
      },
      { name: 'x', status: 'draft', variants: [{ key: 'A' }, { key: 'B', bodyTemplate: 'b' }] },
    ];
    for (const input of invalid) await call('POST', `/steps/${stepId}/experiments`, input, 400);
    const deletable = await call('POST', `/steps/${stepId}/experiments`, { ...body, status: 'draft' }, 201);
    await call('DELETE', `/experiments/${deletable.id}`, undefined, 204);
    expect(campaignId).toBeDefined();
  });

  it('previews a step and a variant against a prospect', async () => {
    const { campaignId, stepId } = await createRunnableCampaign(call, { fromEmail: 'preview@sender.example' });
    const p = await insertProspect(api.db.pool, a.organisationId, {
      company: { name: 'Boulangerie <Martin>' },
      person: { first_name: 'Claire' },
      position: { email: 'claire@preview.example' },
    });
    const preview = await call('POST', `/campaigns/${campaignId}/steps/${stepId}/preview`, {
      positionId: p.positionId,
    });
    expect(preview).toEqual({
      source: 'templates',
      variantKey: null,
      subject: 'Bonjour Claire',
      text: 'Hello Boulangerie <Martin>',
      html: '<p>Hello Boulangerie &lt;Martin&gt;</p>',
    });
    const prompt = await call(
      'POST',
      '/prompts',
      {
        name: 'Preview',
        systemPrompt: 'You write for {{sender.name}}',
        userPrompt: 'Write to {{person.firstName | "vous"}}',
      },
      201,
    );
    const xp = await call(
      'POST',
      `/steps/${stepId}/experiments`,
      {
        name: 'P',
        variants: [
          { key: 'A', promptId: prompt.id },
          { key: 'B', bodyTemplate: 'B' },
        ],
      },
      201,
    );
    const variant = await call('POST', `/campaigns/${campaignId}/steps/${stepId}/preview`, {
      positionId: p.positionId,
      variantId: xp.variants[0].id,
    });
    expect(variant).toEqual({
      source: 'prompt',
      variantKey: 'A',
      promptId: prompt.id,
      systemPrompt: 'You write for Alice Martin',
      userPrompt: 'Write to Claire',
    });
    await call(
      'POST',
      `/campaigns/${campaignId}/steps/${stepId}/preview`,
      { positionId: '00000000-0000-4000-8000-000000000000' },
      404,
    );
    await call('POST', `/campaigns/${campaignId}/steps/${stepId}/preview`, {}, 400);
  });

  it('lets members read everything and change nothing; managers change campaigns', async () => {
    const member = await addMemberWithRole(api, a, 'member@camp-a.example', 'member');
    const manager = await addMemberWithRole(api, a, 'manager@camp-a.example', 'manager');
    const { campaignId, stepId } = await createRunnableCampaign(call, { fromEmail: 'perm@sender.example' });
    const prompt = await call('POST', '/prompts', { name: 'Perm', userPrompt: 'x' }, 201);
    for (const path of [
      '/campaigns',
      `/campaigns/${campaignId}`,
      '/prompts',
      `/prompts/${prompt.id}`,
      `/prompts/${prompt.id}/versions`,
      `/steps/${stepId}/experiments`,
      `/campaigns/${campaignId}/enrollments`,
      '/drafts',
    ]) {
      await call('GET', path, undefined, 200, member);
    }
    const writes: [string, string, unknown][] = [
      ['POST', '/campaigns', { name: 'm' }],
      ['PATCH', `/campaigns/${campaignId}`, { name: 'm' }],
      ['DELETE', `/campaigns/${campaignId}`, undefined],
      ['POST', `/campaigns/${campaignId}/start`, undefined],
      ['POST', `/campaigns/${campaignId}/steps`, { bodyTemplate: 'x' }],
      ['PATCH', `/campaigns/${campaignId}/steps/${stepId}`, { delayDays: 1 }],
      ['PUT', `/campaigns/${campaignId}/steps/order`, { stepIds: [stepId] }],
      ['DELETE', `/campaigns/${campaignId}/steps/${stepId}`, undefined],
      ['POST', '/prompts', { name: 'm', userPrompt: 'x' }],
      ['PATCH', `/prompts/${prompt.id}`, { userPrompt: 'y' }],
      ['POST', `/steps/${stepId}/experiments`, { name: 'm', variants: [] }],
      ['POST', `/campaigns/${campaignId}/enrollments`, { positionIds: [] }],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(method, path, body, 403, member);
      expect(res.error.code).toBe('forbidden');
    }
    await call('PATCH', `/campaigns/${campaignId}`, { name: 'By manager' }, 200, manager);
    expect((await call('POST', `/campaigns/${campaignId}/start`, undefined, 200, manager)).status).toBe('running');
  });
});
