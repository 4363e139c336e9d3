"""DCAT-AP.de RDF harvester (`dcat_ap_de_rdf`): other portals' catalogues into our schema.

Builds on ckanext-dcat's DCATRDFHarvester and the dcat_ap_de profile, and
adds what a municipal portal needs from a harvester that runs unattended:

* every download has a timeout and a size cap; RDF/XML with DOCTYPE or
  entity declarations is refused (no XXE, no entity expansion);
* Hydra paging is followed with a visited-page set and a page cap, so a
  `hydra:nextPage` loop ends as an error;
* deletions happen only after every page was read and parsed: a failed or
  partial catalogue never removes datasets;
* an unchanged dataset is reported "not modified" and not rewritten;
* source configuration supplies defaults (Handlungsfeld, project, licence),
  values outside our vocabularies become harvest warnings (object errors
  with the prefix "Warning:"), never silent drops.
"""
import hashlib
import json
import logging
import xml.sax
import xml.sax.handler
from urllib.parse import urlsplit

import defusedxml
import defusedxml.sax

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.processors import RDFParser, RDFParserException
from ckanext.harvest.interfaces import IHarvester
from ckanext.harvest.model import HarvestObject, HarvestObjectError

from ckanext.smartcityms.reference import vocabularies
from ckanext.smartcityms.harvesters import common
from ckanext.smartcityms.harvesters.cli import HarvestCommands
from ckanext.smartcityms.harvesters.source_config import SourceConfig
from ckanext.smartcityms.outbound.http import HARVEST, FetchError, fetch

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60
DEFAULT_MAX_PAGE_MB = 50
DEFAULT_MAX_PAGES = 1000
FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
           "application/n-triples": "nt", "text/n3": "n3", "application/xml": "xml", "text/xml": "xml"}


DEFAULTS = {"handlungsfeld": [], "projekt": [], "default_license": None, "timeout": DEFAULT_TIMEOUT,
            "max_page_mb": DEFAULT_MAX_PAGE_MB, "max_pages": DEFAULT_MAX_PAGES, "rdf_format": None,
            "allow_mass_deletion": False, "max_shrink": 0.5}


def _check(config):
    for key in ("handlungsfeld", "projekt"):
        config[key] = common.strategy_slugs(key, config[key])
    if config["default_license"] is not None and not vocabularies.vocabulary("license").resolve(
            config["default_license"]):
        raise ValueError("default_license must be a DCAT-AP.de licence, e.g. "
                         "http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    for key in ("timeout", "max_page_mb", "max_pages"):
        if not isinstance(config[key], (int, float)) or config[key] <= 0:
            raise ValueError(f"{key} must be a positive number")
    if config["rdf_format"] is not None and config["rdf_format"] not in FORMATS:
        raise ValueError("rdf_format must be one of " + ", ".join(FORMATS))
    if not isinstance(config["allow_mass_deletion"], bool):
        raise ValueError("allow_mass_deletion must be true or false")
    if not isinstance(config["max_shrink"], (int, float)) or not 0 < config["max_shrink"] < 1:
        raise ValueError("max_shrink must be a share between 0 and 1, e.g. 0.5")
    return config


def _refuse_mass_deletion(source_id, config, count):
    """GatherFailed when the catalogue lost more than `max_shrink` of what this source harvested before.

    An empty answer, an error page that parses as RDF, a catalogue without
    datasets: each looks like "every dataset was withdrawn". The operator
    confirms a real shrink with allow_mass_deletion.
    """
    known = len(common.current_objects(source_id))
    if not known or config["allow_mass_deletion"]:
        return
    hint = "If the source really lost them, run it once with \"allow_mass_deletion\": true."
    if count == 0:
        raise GatherFailed(f"The catalogue lists no datasets (an empty or unreadable answer?) although this "
                           f"source harvested {known} before; nothing was deleted. {hint}")
    if count < known * (1 - config["max_shrink"]):
        raise GatherFailed(f"The catalogue lists {count} datasets, {known - count} fewer than the {known} "
                           f"harvested before (more than {config['max_shrink']:.0%} gone); nothing was deleted. "
                           f"{hint}")


SOURCE_CONFIG = SourceConfig(DEFAULTS, _check)


class GatherFailed(Exception):
    pass


class DCATAPdeHarvester(HarvestCommands, DCATRDFHarvester):
    # Plugin interfaces are not inherited by subclasses: declare it again.
    plugins.implements(IHarvester)
    plugins.implements(plugins.IClick)

    def __new__(cls, *args, **kwargs):
        # SingletonPlugin keeps its instance in a class attribute that a
        # subclass inherits, so without this CKAN would hand out the stock
        # DCAT harvester's instance for our plugin name too.
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    def info(self):
        return {
            "name": "dcat_ap_de_rdf",
            "title": "DCAT-AP.de RDF",
            "description": "DCAT-AP.de (2.0 and 3.0) catalogues in RDF, with Hydra paging",
        }

    # ------------------------------------------------------------ config

    def validate_config(self, source_config):
        return SOURCE_CONFIG.validate(source_config)

    # ------------------------------------------------------------ gather

    @common.gather_errors_contained
    def gather_stage(self, harvest_job):
        config = SOURCE_CONFIG.for_gather(self, harvest_job)
        if config is None:
            return []
        try:
            datasets = self._read_all_pages(harvest_job, config)
            _refuse_mass_deletion(harvest_job.source.id, config, len(datasets))
        except GatherFailed as error:
            self._save_gather_error(f"{error} Nothing was changed in the catalogue.", harvest_job)
            return []

        source = model.Package.get(harvest_job.source.id)
        object_ids, guids, names = [], set(), set()
        for dataset in datasets:
            dataset["name"] = self._unique_name(dataset, names)
            if not dataset.get("owner_org") and source.owner_org:
                dataset["owner_org"] = source.owner_org
            guid = self._get_guid(dataset, source_url=source.url)
            if not guid:
                self._save_gather_error(f"Dataset {dataset.get('title')!r} has no URI or identifier; skipped",
                                        harvest_job)
                continue
            if guid in guids:
                self._save_gather_error(f"Dataset {guid} appears twice in the catalogue; the first is kept",
                                        harvest_job)
                continue
            dataset.setdefault("extras", []).append({"key": "guid", "value": guid})
            guids.add(guid)
            obj = HarvestObject(guid=guid, job=harvest_job, content=json.dumps(dataset, sort_keys=True))
            obj.save()
            object_ids.append(obj.id)

        object_ids.extend(self._mark_datasets_for_deletion(guids, harvest_job))
        return object_ids

    def _unique_name(self, dataset, names):
        name = dataset.get("name") or self._gen_new_name(dataset.get("title") or "datensatz")
        base, counter = name, 1
        while name in names:
            counter += 1
            name = f"{base}-{counter}"
        names.add(name)
        return name

    def _read_all_pages(self, harvest_job, config):
        timeout = config.get("timeout", DEFAULT_TIMEOUT)
        max_bytes = int(config.get("max_page_mb", DEFAULT_MAX_PAGE_MB) * 1024 * 1024)
        max_pages = int(config.get("max_pages", DEFAULT_MAX_PAGES))
        url, visited, datasets = harvest_job.source.url, set(), []
        while url:
            if url in visited:
                raise GatherFailed(f"The catalogue's paging returns to a page already read ({url}).")
            if len(visited) >= max_pages:
                raise GatherFailed(f"The catalogue has more than {max_pages} pages (max_pages).")
            visited.add(url)
            try:
                content, content_type = fetch(url, purpose=HARVEST, timeout=timeout, max_bytes=max_bytes)
            except FetchError as error:
                raise GatherFailed(f"Could not read {url}: {error}.")
            rdf_format = FORMATS.get(config.get("rdf_format") or content_type) or _guess_format(content)
            _refuse_what_reaches_out(url, rdf_format, content)
            parser = RDFParser(profiles=["dcat_ap_de"])
            try:
                parser.parse(content.decode("utf-8"), _format=rdf_format)
                page = list(parser.datasets())
            except (RDFParserException, UnicodeDecodeError, ValueError) as error:
                raise GatherFailed(f"{url} is not valid RDF ({rdf_format}): {str(error)[:300]}")
            datasets.extend(page)
            url = parser.next_page()
            if url and _origin(url) != _origin(harvest_job.source.url):
                raise GatherFailed(f"The catalogue's next page {url[:200]} is on another server than the "
                                   f"source ({_origin(harvest_job.source.url)}); paging must stay on it.")
        return datasets

    # ------------------------------------------------------------ import

    @common.object_errors_contained
    def import_stage(self, harvest_object):
        if self._get_object_extra(harvest_object, "status") != "delete" and harvest_object.content:
            config = SOURCE_CONFIG.for_import(self, harvest_object)
            if config is None or common.refuse_guid_of_another_source(self, harvest_object):
                return False
            # Read by the hooks ckanext-dcat's import calls (_get_existing_dataset, modify_package_dict).
            self._source_id, self._import_config = harvest_object.harvest_source_id, config
            previous = common.previous_current(harvest_object)
            if previous is not None and _same(previous.content, harvest_object.content) \
                    and common.active_package(previous.package_id):
                common.carry_over(previous, harvest_object, previous.package_id)
                return "unchanged"
        return super().import_stage(harvest_object)

    def _mark_datasets_for_deletion(self, guids_in_source, harvest_job):
        """Delete objects for this source's datasets gone from the catalogue (ckanext-dcat's
        own version also clears the current flag of other sources' objects with the same guid)."""
        return [common.withdraw(harvest_job, guid, package_id)
                for guid, package_id in common.current_objects(harvest_job.source.id)
                if guid not in guids_in_source]

    def _get_existing_dataset(self, guid):
        """ckanext-dcat looks the guid up in every dataset; ours: only this source's current one."""
        row = model.Session.query(HarvestObject.package_id).filter(
            HarvestObject.guid == guid, HarvestObject.current == True,  # noqa: E712
            HarvestObject.harvest_source_id == getattr(self, "_source_id", None)).first()
        package = common.active_package(row[0]) if row else None
        if package is None:
            return None
        return tk.get_action("package_show")({"ignore_auth": True, "use_cache": False}, {"id": package.id})

    def modify_package_dict(self, package_dict, dcat_dict, harvest_object):
        config = self._import_config
        warnings = package_dict.pop("__warnings", [])
        if not package_dict.get("handlungsfeld") and config.get("handlungsfeld"):
            package_dict["handlungsfeld"] = config["handlungsfeld"]
        if config.get("projekt") and not package_dict.get("projekt"):
            package_dict["projekt"] = config["projekt"]
        publisher = package_dict.pop("__publisher_name", None) or _publisher_name(package_dict)
        for resource in package_dict.get("resources", []):
            if not resource.get("license") and config.get("default_license"):
                resource["license"] = config["default_license"]
                warnings.append(f"distribution {resource.get('uri', '')}: the source's default licence "
                                f"{config['default_license']} was used")
            if vocabularies.license_requires_attribution(resource.get("license") or "") \
                    and not resource.get("license_attribution_by_text") and publisher:
                resource["license_attribution_by_text"] = publisher
                warnings.append(f"distribution {resource.get('uri', '')}: no attribution text given; "
                                f"the publisher {publisher!r} is named")
        for warning in warnings:
            common.warn(harvest_object, warning)
        problems = _validation_problems(package_dict)
        if problems:
            # ckanext-dcat reports only a summary ("Package resource(s) invalid"); say which field.
            HarvestObjectError(message="Invalid: " + problems, object=harvest_object, stage="Import").save()
        return package_dict


def _validation_problems(package_dict):
    """The schema's errors for this dataset, as `field: message` pairs (empty if valid)."""
    data = dict(package_dict, type=package_dict.get("type") or "dataset")
    plugin = lib_plugins.lookup_package_plugin(data["type"])
    context = {"model": model, "session": model.Session, "ignore_auth": True, "user": ""}
    schema = plugin.create_package_schema()
    if hasattr(plugin, "validate"):
        _data, errors = plugin.validate(context, data, schema, "package_create")
    else:
        _data, errors = tk.navl_validate(data, schema, context)
    return "; ".join(_flatten_errors(errors))


def _flatten_errors(errors, prefix=""):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten_errors(value, f"{prefix}{key}.")
    elif isinstance(errors, list):
        if all(isinstance(e, str) for e in errors):
            if errors:
                yield f"{prefix.rstrip('.')}: {' '.join(errors)}"
        else:
            for index, value in enumerate(errors):
                if value:
                    yield from _flatten_errors(value, f"{prefix}{index}.")


def _publisher_name(package_dict):
    org_id = package_dict.get("owner_org")
    org = model.Group.get(org_id) if org_id else None
    return org.title if org else None


def _same(old_content, new_content):
    """Same dataset content? The generated name is left out: it depends on
    which names were taken when the page was gathered."""
    def digest(content):
        try:
            data = json.loads(content or "{}")
        except ValueError:
            return content
        data.pop("name", None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).digest()
    return digest(old_content) == digest(new_content)


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{parts.port or ''}"


def _refuse_what_reaches_out(url, rdf_format, content):
    """GatherFailed for documents whose parsing would fetch or expand something.

    RDF/XML: a DTD or entity declaration anywhere (a streaming defusedxml pass
    before rdflib sees it). JSON-LD: remote @context URLs, which rdflib would
    download without our client's checks; nesting too deep to read.
    """
    if rdf_format == "xml":
        try:
            defusedxml.sax.parseString(content, xml.sax.handler.ContentHandler(),
                                       forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except (defusedxml.DTDForbidden, defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden):
            raise GatherFailed(f"{url}: RDF/XML with DOCTYPE or entity declarations is refused "
                               "(external entities and entity expansion are not allowed).")
        except xml.sax.SAXException as error:
            raise GatherFailed(f"{url} is not valid RDF (xml): {str(error)[:300]}")
    elif rdf_format == "json-ld":
        try:
            document = json.loads(content)
        except (ValueError, RecursionError) as error:
            raise GatherFailed(f"{url} is not valid JSON-LD: {error.__class__.__name__}: {str(error)[:200]}")
        remote = _remote_contexts(document)
        if remote:
            raise GatherFailed(f"{url}: JSON-LD with a remote @context ({remote[0][:200]}) is refused: "
                               "remote contexts are never fetched; embed the context in the document.")


def _remote_contexts(node, found=None):
    found = [] if found is None else found
    stack = [node]
    while stack:  # iterative: a hostile document cannot exhaust the recursion limit here
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "@context":
                    contexts = value if isinstance(value, list) else [value]
                    found.extend(c for c in contexts if isinstance(c, str))
                    stack.extend(c for c in contexts if not isinstance(c, str))
                elif key == "@import" and isinstance(value, str):  # JSON-LD 1.1: fetched too
                    found.append(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _guess_format(content):
    head = content[:2048].lstrip()
    if head.startswith(b"<"):
        return "xml"
    if head.startswith((b"{", b"[")):
        return "json-ld"
    return "turtle"
