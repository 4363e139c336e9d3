"""Metadata quality: the data.europa.eu MQA indicators per dataset, the link
checker that feeds its URL indicators, and the stored scores the dashboards read."""
