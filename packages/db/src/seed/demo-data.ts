/** The demo tenant `make dev` seeds: one organisation, its admin and a handful of prospects. */
export const DEMO_ORGANISATION = { name: 'Demo Prospection', slug: 'demo' };
export const DEMO_ADMIN = { email: 'demo@prospectflow.local', displayName: 'Demo Admin' };

export const DEMO_PROSPECTS = [
  {
    company: {
      pharowCompanyId: 'demo-c-001',
      name: 'Boulangerie Martin SAS',
      siren: '512345678',
      nafSector: '10.71C',
      city: 'Lyon',
    },
    person: { firstName: 'Claire', lastName: 'Martin', linkedinUrl: 'https://www.linkedin.com/in/claire-martin-demo' },
    position: { email: 'claire.martin@boulangerie-martin.example', jobTitle: 'Gérante', list: 'Demo – Artisans Lyon' },
  },
  {
    company: {
      pharowCompanyId: 'demo-c-002',
      name: 'Atelier Durand',
      siren: '523456789',
      nafSector: '16.23Z',
      city: 'Nantes',
    },
    person: { firstName: 'Julien', lastName: 'Durand', linkedinUrl: 'https://www.linkedin.com/in/julien-durand-demo' },
    position: { email: 'julien@atelier-durand.example', jobTitle: 'Directeur général', list: 'Demo – Artisans Lyon' },
  },
  {
    company: {
      pharowCompanyId: 'demo-c-002',
      name: 'Atelier Durand',
      siren: '523456789',
      nafSector: '16.23Z',
      city: 'Nantes',
    },
    person: {
      firstName: 'Sophie',
      lastName: 'Lefèvre',
      linkedinUrl: 'https://www.linkedin.com/in/sophie-lefevre-demo',
    },
    position: {
      email: 'sophie.lefevre@atelier-durand.example',
      jobTitle: 'Responsable achats',
      list: 'Demo – Artisans Lyon',
    },
  },
  {
    company: {
      pharowCompanyId: 'demo-c-003',
      name: 'Logistique Bernard',
      siren: '534567890',
      nafSector: '52.29A',
      city: 'Lille',
    },
    person: {
      firstName: 'Thomas',
      lastName: 'Bernard',
      linkedinUrl: 'https://www.linkedin.com/in/thomas-bernard-demo',
    },
    position: { email: 'thomas.bernard@logistique-bernard.example', jobTitle: 'COO', list: 'Demo – Logistique Nord' },
  },
  {
    company: {
      pharowCompanyId: 'demo-c-003',
      name: 'Logistique Bernard',
      siren: '534567890',
      nafSector: '52.29A',
      city: 'Lille',
    },
    person: { firstName: 'Amélie', lastName: 'Petit', linkedinUrl: 'https://www.linkedin.com/in/amelie-petit-demo' },
    position: {
      email: 'amelie.petit@logistique-bernard.example',
      jobTitle: 'Directrice commerciale',
      list: 'Demo – Logistique Nord',
    },
  },
];
