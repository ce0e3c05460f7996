/**
 * Removes the legacy `Object.prototype.__proto__` accessor from the JavaScript realm that loads
 * this module, as Node's `--disable-proto=delete` does; imported for that effect by every module
 * that hands documents to jsonld (each worker thread loads it again for its own realm).
 *
 * Why: jsonld 9.0 keys the nodes of a document by their @id in a plain object. A credential
 * whose IRI is "__proto__" (as a node's id, or the value of an id-typed property such as an
 * alignment's targetUrl) made it write into Object.prototype itself: every object of the process
 * then carried an enumerable "@id", and every later signing or verification failed (stack
 * overflow) until a restart (digitalbazaar/jsonld.js issue #584, open for jsonld 9.0). Without
 * the accessor "__proto__" is an ordinary key, and such a credential is only refused, as any
 * other invalid one. `{ __proto__: … }` in object literals and
 * Object.getPrototypeOf/setPrototypeOf are untouched.
 */
Reflect.deleteProperty(Object.prototype, '__proto__');
