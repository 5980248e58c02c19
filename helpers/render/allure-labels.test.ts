// Unit tests of a test's Allure labels: the catalogue project as epic and parent suite, severity by project, criteria and gap links from the tags.
import { test, expect } from '@playwright/test';
import { testLabels } from './allure-labels';

test('a flow test: blocker, its project as epic and parent suite, a criterion label per tag, an issue link per gap tag', () => {
  const r = testLabels({ project: 'auth-bypass', title: 'asset-management-service: protected routes refuse bad tokens', tags: ['@flow-auth-bypass', '@criterion-2', '@gap-P0-01', '@criterion-7'] }, 'https://wiki/matrix#%s');
  expect(r.labels).toEqual([
    { name: 'epic', value: 'auth-bypass' },
    { name: 'parentSuite', value: 'auth-bypass' },
    { name: 'severity', value: 'blocker' },
    { name: 'story', value: 'asset-management-service: protected routes refuse bad tokens' },
    { name: 'criterion', value: '2' },
    { name: 'criterion', value: '7' },
  ]);
  expect(r.links).toEqual([{ url: 'https://wiki/matrix#P0-01', name: 'P0-01', type: 'issue' }]);
});

test('severity: transport is a blocker, source and preflight normal, a project outside the catalogue normal', () => {
  const sev = (project: string) => testLabels({ project, title: 't', tags: [] }, '%s').labels.find((l) => l.name === 'severity')?.value;
  expect(['auth', 'payment', 'transport', 'source', 'preflight', 'elsewhere'].map(sev)).toEqual(['blocker', 'blocker', 'blocker', 'normal', 'normal', 'normal']);
});
