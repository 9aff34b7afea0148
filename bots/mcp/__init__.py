"""Tandem over the Model Context Protocol: the registry's tools, a customer's brief, report documents and a few
prompts for the AI clients staff already use (Claude Desktop, VS Code, ...), as the calling employee.

`tandem mcp --as EMPLOYEE` serves stdio; `tandem serve` mounts a stateless streamable-HTTP endpoint at /mcp that
takes the employee's bearer token. Writes stop at Tandem's preview and are carried out only when the person
accepts it (MCP elicitation) or confirms it in Tandem itself; no tool lets the model confirm.
"""
