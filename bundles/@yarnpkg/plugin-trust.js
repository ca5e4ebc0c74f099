/* eslint-disable */
//prettier-ignore
module.exports = {
name: "@yarnpkg/plugin-trust",
factory: function (require) {
"use strict";var plugin=(()=>{var t=Object.defineProperty;var g=Object.getOwnPropertyDescriptor;var i=Object.getOwnPropertyNames;var k=Object.prototype.hasOwnProperty;var l=(n,o)=>{for(var r in o)t(n,r,{get:o[r],enumerable:!0})},s=(n,o,r,e)=>{if(o&&typeof o=="object"||typeof o=="function")for(let p of i(o))!k.call(n,p)&&p!==r&&t(n,p,{get:()=>o[p],enumerable:!(e=g(o,p))||e.enumerable});return n};var u=n=>s(t({},"__esModule",{value:!0}),n);var f={};l(f,{default:()=>c});var a={hooks:{}},c=a;return u(f);})();
return plugin;
}
};
