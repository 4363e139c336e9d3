"""What the portal shows in the browser: blueprints (pages, vocabulary, admin, feed
GeoJSON, quality dashboard, developer page and OpenAPI description, bulk downloads, data requests), template helpers and resource views."""


def get_blueprints():
    from ckanext.smartcityms.web.admin import admin
    from ckanext.smartcityms.web.data_requests import data_requests
    from ckanext.smartcityms.web.developer import developer
    from ckanext.smartcityms.web.downloads import downloads
    from ckanext.smartcityms.web.feeds import feeds
    from ckanext.smartcityms.web.former_addresses import former_addresses
    from ckanext.smartcityms.web.quality import quality
    from ckanext.smartcityms.web.sensor_measurements import sensor_measurements
    from ckanext.smartcityms.web.theme import theme
    from ckanext.smartcityms.web.vocab import vocab
    return [vocab, feeds, theme, admin, quality, developer, downloads, data_requests, sensor_measurements,
            former_addresses]
