// The clouds live with the rest of the Azure layer (src/core/azure); this name stays for the code that imports it.
export * from '../azure/clouds';
