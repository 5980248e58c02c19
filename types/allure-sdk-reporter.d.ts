// Types for allure-js-commons' package-exports subpath, which TypeScript's "node" module resolution does not follow.
declare module 'allure-js-commons/sdk/reporter' {
  export * from 'allure-js-commons/dist/types/sdk/reporter/index';
}
