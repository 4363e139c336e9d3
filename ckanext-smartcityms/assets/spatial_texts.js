/* ckanext-spatial's map scripts ask CKAN's translation catalogue for a few
 * texts (the drawing dialog) that no catalogue of theirs translates. The page
 * carries our translations (data-smartcityms-texts, rendered from our own
 * catalogue); they are merged into CKAN's catalogue, which ckan.i18n.load
 * extends rather than replaces, so the order of loading does not matter. */
(function (ckan) {
  "use strict";
  var holder = document.querySelector("[data-smartcityms-texts]");
  if (!holder || !ckan || !ckan.i18n) { return; }
  var texts = JSON.parse(holder.getAttribute("data-smartcityms-texts"));
  var data = {"": {"domain": "ckan", "lang": document.documentElement.lang || "de",
                   "plural-forms": "nplurals=2; plural=(n != 1);"}};
  Object.keys(texts).forEach(function (msgid) { data[msgid] = [null, texts[msgid]]; });
  ckan.i18n.load(data);
})(this.ckan);
