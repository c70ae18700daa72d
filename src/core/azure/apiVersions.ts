// The api-versions of the ARM calls: those the Azure SDK packages used before, which the sandbox checks as ARM does.
export const ARM_API = {
  subscriptions: '2022-12-01', authorization: '2022-04-01', eligibility: '2020-10-01', resources: '2025-04-01', keyVault: '2023-07-01', storage: '2023-05-01',
  managementGroups: '2020-05-01', serviceBus: '2021-11-01', eventHubs: '2024-01-01', appConfiguration: '2023-03-01', cosmosDb: '2024-05-15',
} as const;
