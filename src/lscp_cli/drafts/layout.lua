-- How a letter lies on the page (HTML and Word), never what it says.
-- * A table whose header row is empty (`| | |` over a two-column table of facts) has no
--   header: Word would repeat the empty row at the top of every page the table runs onto.
-- * Word only: the letter's close stays together and with its last paragraph. The last few
--   paragraphs before the closing rule (the last paragraph, "Yours sincerely," or "Notified
--   by:", the name and job title) take the "Closing" style (keep with next, keep lines
--   together), and the closing marking line after the rule takes "Closing Marking" (its own
--   top border stands for the rule), so a page never holds only the sign-off or the marking.

-- The paragraphs before the rule kept with it: the last body paragraph, the sign-off line,
-- the name block.
local KEPT_BEFORE_RULE = 3

local function empty_row(row)
  for _, cell in ipairs(row.cells) do
    if #cell.contents > 0 then
      return false
    end
  end
  return true
end

function Table(tbl)
  local rows = tbl.head.rows
  if #rows == 0 then
    return nil
  end
  for _, row in ipairs(rows) do
    if not empty_row(row) then
      return nil
    end
  end
  tbl.head = pandoc.TableHead({})
  return tbl
end

local function styled(block, style)
  return pandoc.Div({ block }, pandoc.Attr("", {}, { ["custom-style"] = style }))
end

function Pandoc(doc)
  if FORMAT ~= "docx" then
    return nil
  end
  local blocks = doc.blocks
  local rule = nil
  for i = #blocks, 1, -1 do
    if blocks[i].t == "HorizontalRule" then
      rule = i
      break
    end
  end
  if rule == nil then
    return nil
  end
  for i = math.max(1, rule - KEPT_BEFORE_RULE), rule - 1 do
    local block = blocks[i]
    if block.t == "Para" or block.t == "Plain" then
      blocks[i] = styled(block, "Closing")
    end
  end
  local after = {}
  for i = rule + 1, #blocks do
    local block = blocks[i]
    if block.t == "Para" or block.t == "Plain" then
      block = styled(block, "Closing Marking")
    end
    table.insert(after, block)
  end
  local kept = {}
  for i = 1, rule - 1 do
    table.insert(kept, blocks[i])
  end
  for _, block in ipairs(after) do
    table.insert(kept, block)
  end
  doc.blocks = kept
  return doc
end
