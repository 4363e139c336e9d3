"""The Handlungsfelder vocabulary (SKOS) at stable URIs, in Turtle, RDF/XML and JSON-LD."""
from flask import Blueprint, Response, redirect, request

import ckan.plugins.toolkit as tk

from ckanext.smartcityms import strategy
from ckanext.smartcityms.strategy.skos import handlungsfelder_graph

vocab = Blueprint("smartcityms_vocab", __name__)

FORMATS = {  # extension -> (rdflib format, media type)
    "ttl": ("turtle", "text/turtle"),
    "rdf": ("xml", "application/rdf+xml"),
    "jsonld": ("json-ld", "application/ld+json"),
}
BY_MEDIA_TYPE = {media: ext for ext, (_fmt, media) in FORMATS.items()}


def _negotiated_extension():
    best = request.accept_mimetypes.best_match(list(BY_MEDIA_TYPE), default="text/turtle")
    return BY_MEDIA_TYPE.get(best, "ttl")


def _rdf_response(graph, extension):
    rdf_format, media_type = FORMATS[extension]
    body = graph.serialize(format=rdf_format)
    response = Response(body, mimetype=media_type)
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@vocab.route("/vocab/handlungsfelder", defaults={"extension": None})
@vocab.route("/vocab/handlungsfelder.<extension>")
def scheme(extension):
    if extension is not None and extension not in FORMATS:
        return tk.abort(404, tk._("Unknown format"))
    return _rdf_response(handlungsfelder_graph(), extension or _negotiated_extension())


@vocab.route("/vocab/handlungsfelder/<name>", defaults={"extension": None})
@vocab.route("/vocab/handlungsfelder/<name>.<extension>")
def concept(name, extension):
    field = strategy.handlungsfeld(name)
    if field is None or (extension is not None and extension not in FORMATS):
        return tk.abort(404, tk._("Unknown Handlungsfeld"))
    if field["slug"] != name:
        # An old (beta) name or spelling: the concept now lives under its slug.
        target = tk.url_for("smartcityms_vocab.concept", name=field["slug"], extension=extension)
        return redirect(target, code=301)
    return _rdf_response(handlungsfelder_graph(only_slug=field["slug"]),
                         extension or _negotiated_extension())

