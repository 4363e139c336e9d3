"""The quality action of the Action API."""
import ckan.plugins.toolkit as tk

from ckanext.smartcityms.quality import links, score


@tk.side_effect_free
def smartcityms_quality_show(context, data_dict):
    """The metadata quality of one dataset (data.europa.eu MQA indicators and weights).

    :param id: the dataset's id or name
    :returns: score (of 405), rating (excellent/good/sufficient/bad), the
        five dimensions, every indicator with points, earned points and, where
        not met, a hint how to improve it (de, en), and the link checker's
        result per URL ("links": {url: {ok, status, error, checked}})
    """
    dataset = tk.get_action("package_show")(context, {"id": tk.get_or_bust(data_dict, "id")})
    result = score.assess(dataset).as_dict()
    result["links"] = links.results(links.dataset_urls(dataset))
    return result


def get_actions():
    return {"smartcityms_quality_show": smartcityms_quality_show}
