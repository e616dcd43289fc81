"""HTML to PDF with WeasyPrint (the only place that calls it): the URL sandbox, the page plan,
finishers (languages, tagging), layout lint."""
