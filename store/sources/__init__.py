"""Every way papers come in from outside, one module each: the Hugging Face Daily Papers API
(`hf_api`, fetched by `hf_client`), arXiv listing emails (`arxiv_email`), the arXiv export
API's Atom feed (`arxiv_atom`, looked up by `arxiv_client`), and page dumps (`store.dumps`);
`detect.parse_any` reads a file of any of them. Each yields Papers plus warnings and none
writes anything: the library is the only code that does.

Nothing is imported here, so that importing one source does not load the others (the HTTP
clients pull in httpx and tenacity).
"""
