// Browser code of the wizards; filled in by the wizard issues.
export {};
