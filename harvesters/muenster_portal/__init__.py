"""The migration of Münster's old DKAN portal: its metadata export mapped onto
our DCAT-AP.de schema (`mapping`, pure). The harvester that runs it through
ckanext-harvest's gather/fetch/import is the next step (issue 27)."""
