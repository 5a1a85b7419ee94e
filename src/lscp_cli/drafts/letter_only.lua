-- A draft is a letter: nothing in it may run in a browser or fetch from elsewhere when opened.
-- pandoc's reader already refuses raw HTML (lscp_cli/drafts/pandoc.py, PANDOC_READER); this
-- filter removes what Markdown itself can still say: key=value attributes on any element
-- (`{onclick="..."}` would be a live event handler, `{style=...}` can fetch) other than the
-- few below, and links or images whose address a browser would run (`javascript:`, `data:`,
-- `vbscript:` ...). The text stays; only the behaviour goes. Ids and classes are kept.

local SAFE_SCHEMES = { http = true, https = true, mailto = true, tel = true }
-- `custom-style` names a Word style (`--format docx`); the rest only describe layout.
local KEPT_ATTRIBUTES = {
  ["custom-style"] = true, lang = true, dir = true, title = true, width = true, height = true,
}

local function safe_address(address)
  local scheme = address:match("^%s*([%a][%w+.-]*):")
  -- No scheme: a relative address or a fragment (#section), which runs nothing.
  return scheme == nil or SAFE_SCHEMES[scheme:lower()] == true
end

local function without_attributes(element)
  if element.attributes == nil or #element.attributes == 0 then
    return nil
  end
  local kept = {}
  for key, value in pairs(element.attributes) do
    if KEPT_ATTRIBUTES[key:lower()] then
      kept[key] = value
    end
  end
  element.attributes = kept
  return element
end

function Link(link)
  if not safe_address(link.target) then
    return link.content
  end
  return without_attributes(link) or link
end

function Image(image)
  if not safe_address(image.src) then
    return image.caption
  end
  return without_attributes(image) or image
end

function Inline(element)
  return without_attributes(element)
end

function Block(element)
  return without_attributes(element)
end
