"""Anwendungen (showcases): apps, visualisations and hackathon results that
use the portal's datasets. A scheming dataset type (schemas/showcase.yaml);
this room links them to their datasets and tells the rest of the portal which
datasets a change touches."""
TYPE = "showcase"
