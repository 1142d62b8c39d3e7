/** pulumi-didroute: Pulumi resources that keep phone-number routing exactly as declared. */
export * as didww from "./didww";
export * as carrierx from "./carrierx";
export * as routing from "./routing";
