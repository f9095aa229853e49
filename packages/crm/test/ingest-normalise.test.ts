import { describe, expect, it } from 'vitest';
import { cityOf, mergePayload, validateItems } from '../src/index.js';

const item = {
  pharowListName: ' Liste ',
  positionJobTitle: 'CEO',
  positionEmail: ' Jean.Dupont@Example.FR ',
  personLastName: 'Dupont',
  personFirstName: 'Jean',
  personLinkedinUrl: 'linkedin.com/in/jean',
  pharowCompanyId: 123,
  companyName: 'ACME',
  companySiren: '',
  companyNbEmployees: '1 200',
  companyGrowing: 'oui',
};

describe('validateItems', () => {
  it('normalises: trims, "" → null, lower-cases emails, completes URLs, coerces numbers', () => {
    const { valid, rejected } = validateItems([item]);
    expect(rejected).toEqual([]);
    expect(valid[0]!.item).toMatchObject({
      pharowListName: 'Liste',
      positionEmail: 'jean.dupont@example.fr',
      personLinkedinUrl: 'https://linkedin.com/in/jean',
      pharowCompanyId: '123',
      companySiren: null,
      companyNbEmployees: 1200,
      companyGrowing: true,
      companyUrl: null,
    });
  });

  it('reports every problem of an item with its path', () => {
    const { valid, rejected } = validateItems([
      { ...item, companySiren: '12', companyUrl: 'http://', positionEmail: undefined },
    ]);
    expect(valid).toEqual([]);
    expect(rejected.map((r) => r.path).sort()).toEqual(['companySiren', 'companyUrl', 'positionEmail']);
  });
});

describe('mergePayload', () => {
  it('merges the same person with and without LinkedIn in one company, later non-null values winning', () => {
    const { valid } = validateItems([
      { ...item, positionJobTitle: 'CEO' },
      { ...item, personLinkedinUrl: '', positionJobTitle: 'Président' },
      { ...item, positionJobTitle: '' },
    ]);
    const merged = mergePayload(valid.map((v) => v.item));
    expect(merged.companies).toHaveLength(1);
    expect(merged.people).toHaveLength(1);
    expect(merged.positions).toHaveLength(1);
    expect(merged.positions[0]!.row.job_title).toBe('Président');
  });

  it('sorts rows by key so that concurrent ingests lock in the same order', () => {
    const { valid } = validateItems([
      { ...item, pharowCompanyId: 'b' },
      { ...item, pharowCompanyId: 'a', positionEmail: 'x@a.fr' },
    ]);
    expect(mergePayload(valid.map((v) => v.item)).companies.map((c) => c.key)).toEqual(['pharow:a', 'pharow:b']);
  });
});

describe('cityOf', () => {
  it.each([
    ['12 rue de la Paix, 75002 Paris', '75002', 'Paris'],
    ['ZI Nord 69120 Vaulx-en-Velin', '69120', 'Vaulx-en-Velin'],
    ['3 place Bellecour, 69002 LYON 2E, France', '69002', 'LYON'],
    ['no postal code here', null, null],
  ])('%s', (address, postalCode, city) => {
    expect(cityOf(address)).toEqual({ postalCode, city });
  });
});
